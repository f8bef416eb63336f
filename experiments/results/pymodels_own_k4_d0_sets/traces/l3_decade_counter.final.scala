import chisel3._
import chisel3.util._

class DecadeCounter extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(4.W))
    val carry = Output(Bool())
  })

  val countReg = RegInit(0.U(4.W))
  val last  = countReg === 9.U

  when(io.en) {
    countReg := Mux(last, 0.U, countReg + 1.U)
  }
  io.count := countReg
  io.carry  := io.en && last
}
