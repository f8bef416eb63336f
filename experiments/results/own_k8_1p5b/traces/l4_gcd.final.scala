import chisel3._
import chisel3.util._
import chisel3.util.Enum
import chisel3.util.switch

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Decoupled(new GcdOperands))
    val out = Decoupled(UInt(8.W))
  })

  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(Enum(3).toUInt(2.W))

  val flag = RegInit(false.B)

  when(state === Enum(0).toUInt(2.W)) {
    io.in.ready := true
    when(io.in.valid && !prev) {
      x := io.in.bits.a
      y := io.in.bits.b
      state := Enum(1).toUInt(2.W)
    }
  } else if(state === Enum(1).toUInt(2.W)) {
    when(y === 0.B) {
      flag := true
      state := Enum(3).toUInt(2.W)
    } else if(x < y) {
      val temp = x
      x := y
      y := temp
    } else {
      x := x - y
    }
  } else if(state === Enum(3).toUInt(2.W)) {
    io.out.valid := true
    io.out.bits := x
    when(io.out.ready) {
      state := Enum(0).toUInt(2.W)
      x := 0.U(8.W)
      y := 0.U(8.W)
      flag := false.B
    }
  }

  io.in.ready := io.in.ready && state !== Enum(3).toUInt(2.W)
  io.out.valid := io.out.valid && state !== Enum(0).toUInt(2.W)
}
