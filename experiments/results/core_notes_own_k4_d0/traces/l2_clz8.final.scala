import chisel3._
import chisel3.util._

class Clz8 extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(8.W))
    val count = Output(UInt(4.W))
  })

  val countReg = RegInit(0.U(4.W))

  when(io.in === 0.U) {
    countReg := countReg + 1.U
  }

  io.count := countReg
}
