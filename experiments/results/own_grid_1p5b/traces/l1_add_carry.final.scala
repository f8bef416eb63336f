import chisel3._
import chisel3.util._

class AddCarry8(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(width.W))
    val b = Input(UInt(width.W))
    val cin = Input(Bool())
    val sum = Output(UInt(width.W))
    val cout = Output(Bool())
  })
  val carryIn = io	cin.asSInt
  val aIn = io.a.asSInt
  val bIn = io.b.asSInt
  val aPlusBIn = Cat(aIn, bIn)
  val aPlusBIPlusCIn = Cat(aPlusBIn, carryIn)
  
  val carry = aPlusBIPlusCIn.asUInt.asSInt.carry
  val sumOut = Cat(carry, aPlusBIPlusCIn.asUInt).asSInt
  
  io.sum := sumOut.asUInt
  io.cout := carry.asSInt
}
