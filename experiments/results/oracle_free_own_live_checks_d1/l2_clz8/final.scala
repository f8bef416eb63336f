import chisel3._
import chisel3.util._

class Clz8 extends Module {
  val io = IO(new Bundle {
    val in    = Input(UInt(8.W))
    val count = Output(UInt(4.W))
  })
  
  val log2In = log2Ceil(io.in.asUInt)
  val clz8 = PriorityMux(log2In, VecInit(0.U(4.W) until 8.U(4.W)))
  
  io.count := clz8
}
