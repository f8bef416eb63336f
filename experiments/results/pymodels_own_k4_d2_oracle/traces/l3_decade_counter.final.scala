import chisel3._
import chisel3.util._

class DecadeCounter extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(4.W))
    val carry = Output(Bool())
  })

  val reg = RegInit(0.U(4.W))
  when(io.en) {
    reg := Mux(reg === 9.U, 0.U, reg + 1.U)
  }
  io.count := reg
  io.carry := io.en && reg === 9.U
}
