import chisel3._
import chisel3.util._

class DecadeCounter extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(4.W))
    val carry = Output(Bool())
  })

  val reg = RegInit(0.U(4.W))
  reg := reg + 1.U
  when(io.en && reg === 9.U) { reg := 0.U }
  io.count := reg
  io.carry := reg === 9.U
}
