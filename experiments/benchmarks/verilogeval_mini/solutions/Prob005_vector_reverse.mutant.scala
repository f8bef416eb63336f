import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val in  = IO(Input(UInt(8.W)))
  val out = IO(Output(UInt(8.W)))
  out := Cat(Reverse(in(7, 4)), Reverse(in(3, 0)))
}
