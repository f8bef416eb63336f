import chisel3._
import chisel3.util._

class ParamAdder(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val sum  = Output(UInt(width + 1.W))
  })
  val adder = RegInit(UInt(width.W))
  when(io.a && io.b) { adder := adder + 1.U }
  when(io.a) { adder := adder + io.b }
  when(io.b) { adder := adder + io.a }
  io.sum := adder
}
