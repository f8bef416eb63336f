import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(1.W))
    val b    = Input(UInt(1.W))
    val cin  = Input(UInt(1.W))
    val cout = Output(UInt(1.W))
    val sum  = Output(UInt(1.W))
  })
  val a = io.a.asUInt
  val b = io.b.asUInt
  val cin = io.cin.asUInt
  val cout = io.cout.asUInt
  val sum = io.sum.asUInt

  val adder = Module(new Adder(1))
  adder.io.a := a
  adder.io.b := b
  adder.io.cin := cin
  adder.io.cout := cout
  adder.io.sum := sum
}
