import chisel3._
import chisel3.util._

class Clz8 extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(8.W))
    val count = Output(UInt(4.W))
  })

  val reg = RegInit(0.U(8.W))
  reg := reg + 1.U
  io.count := reg.asUInt(log2Ceil(io.in.getWidth) + 1)
}
